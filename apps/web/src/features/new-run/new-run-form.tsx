'use client';
import { useEffect, useId, useMemo, useState, type FormEvent } from 'react';
import { useRouter } from 'next/navigation';
import { useMutation, useQuery } from 'urql';
import { ImagesQuery } from '../images/documents.ts';
import { CreateRunMutation } from './documents.ts';
import { NoisePresetsQuery } from '../presets/documents.ts';
import { ModelsQuery } from '../runs/documents.ts';
import type {
  CreateRunInput,
  Easing,
  ImageFieldsFragment,
  InterpolationMethod,
  LoopMode,
} from '../../gql/graphql.ts';
import { fieldErrors } from '../../lib/errors.ts';
import { LOOP_OPTIONS } from '../../lib/options.ts';
import { randomSeed } from '../../lib/seed.ts';
import {
  MAX_SWEEP,
  parseInteger,
  parseSweep,
  seedError,
  sizeError,
  stepsError,
  SWEEP_FIELDS,
  type SweepField,
} from './run-rules.ts';
import { noiseLevels, type NoiseShape } from '../../lib/noise-schedule.ts';
import { ErrorMessage, FieldError, FileName, FrameBox } from '../../components/bits.tsx';
import { compareHref } from '../compare/compare.ts';
import { ImageUploader } from '../images/image-uploader.tsx';
import { LineChart, SERIES_COLORS } from '../../components/line-chart.tsx';
import { NoiseFields, optionLabel, type NoiseDraft } from '../../components/noise-fields.tsx';
import { CHOICE_OPTIONS, ChoiceFields, defaultChoices } from '../../components/choice-fields.tsx';

const CUSTOM = 'custom';
/** Form fields that show their own message; an API error about any other field is shown above the form. */
const SHOWN_FIELDS = new Set([
  'images',
  'model',
  'steps',
  ...CHOICE_OPTIONS.map((option) => option.path),
  'size',
  'noise',
  'seed',
  'animation',
  'name',
  'tags',
  'sweep',
]);

function placeErrors(errors: Record<string, string>): Record<string, string> {
  const placed: Record<string, string> = {};
  for (const [field, message] of Object.entries(errors)) {
    const key = SHOWN_FIELDS.has(field) ? field : 'form';
    placed[key] = placed[key] === undefined ? message : `${placed[key]} ${message}`;
  }
  return placed;
}

interface Draft {
  name: string;
  tags: string;
  model: string;
  steps: string;
  /** The choice options of the domain's table (method, easing, fit, ...), as GraphQL constants. */
  choices: Record<string, string>;
  width: string;
  height: string;
  noiseChoice: string;
  customNoise: NoiseDraft;
  seed: string;
  fps: string;
  loop: LoopMode;
  sweepField: SweepField;
  sweepValues: string;
}

/**
 * Every problem the form can see before sending, all at once, each for its own field (the API
 * reports only its first); the API still checks everything and its answer lands the same way.
 */
function localErrors(draft: Draft, images: readonly ImageFieldsFragment[]): Record<string, string> {
  const errors: Record<string, string> = {};
  if (images.length < 2)
    errors['images'] = 'Add at least 2 images: a run interpolates between keyframes.';
  if (!draft.model) errors['model'] = 'Choose a model whose weights are available.';
  const checks = {
    steps: stepsError(draft.steps),
    size: sizeError(draft.width, draft.height),
    seed: draft.sweepField === 'seed' ? undefined : seedError(draft.seed),
  };
  for (const [field, message] of Object.entries(checks)) if (message) errors[field] = message;
  const sweep = parseSweep(draft.sweepField, draft.sweepValues);
  if ('error' in sweep) errors['sweep'] = sweep.error;
  if (!Number.isFinite(Number.parseFloat(draft.fps))) {
    errors['animation'] = 'Frames per second must be a number.';
  }
  if (
    draft.noiseChoice === CUSTOM &&
    !Number.isFinite(Number.parseFloat(draft.customNoise.level))
  ) {
    errors['noise'] = 'Noise level must be a number (0 for none).';
  }
  return errors;
}

function moveItem<T>(items: readonly T[], from: number, to: number): T[] {
  const next = [...items];
  const [item] = next.splice(from, 1);
  next.splice(to, 0, item!);
  return next;
}

export function NewRunForm() {
  const id = useId();
  const router = useRouter();
  const [models] = useQuery({ query: ModelsQuery });
  const [presets] = useQuery({ query: NoisePresetsQuery });
  // Named so an upload refreshes the library even while it is empty (no Image in the cached result yet).
  const imageContext = useMemo(() => ({ additionalTypenames: ['Image'] }), []);
  const [library] = useQuery({
    query: ImagesQuery,
    variables: { first: 100 },
    context: imageContext,
  });
  const [createState, createRun] = useMutation(CreateRunMutation);
  const [images, setImages] = useState<ImageFieldsFragment[]>([]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [draft, setDraft] = useState<Draft>(() => ({
    name: '',
    tags: '',
    model: '',
    steps: '16',
    choices: defaultChoices({ method: 'SLERP' }),
    width: '256',
    height: '256',
    noiseChoice: '',
    customNoise: { level: '0.1', mode: 'ABSOLUTE', schedule: 'CONSTANT', shared: false },
    seed: '',
    fps: '10',
    loop: 'LOOP',
    sweepField: 'none',
    sweepValues: '',
  }));

  // Drawn in the browser after hydration, so the server-rendered form and the client agree.
  useEffect(() => setDraft((d) => (d.seed ? d : { ...d, seed: String(randomSeed()) })), []);

  const available = (models.data?.models ?? []).filter((m) => m.weightsAvailable);
  const model = draft.model || available[0]?.name || '';
  const presetList = presets.data?.noisePresets ?? [];
  const noiseChoice = draft.noiseChoice || presetList.find((p) => p.level === 0)?.id || CUSTOM;
  const preset = presetList.find((p) => p.id === noiseChoice);
  const noise: NoiseShape = preset ?? {
    ...draft.customNoise,
    level: Number.parseFloat(draft.customNoise.level),
  };
  const steps = parseInteger(draft.steps);
  const schedule = noiseLevels(noise, steps);

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) =>
    setDraft((d) => ({ ...d, [key]: value }));
  const changeCustomNoise = (change: Partial<NoiseDraft>) =>
    setDraft((d) => ({ ...d, customNoise: { ...d.customNoise, ...change } }));
  const fieldId = (name: string) => `${id}-${name}`;
  const errorId = (name: string) => `${id}-${name}-error`;
  const invalidProps = (name: string) =>
    errors[name] ? { 'aria-invalid': true as const, 'aria-describedby': errorId(name) } : {};

  function addImage(image: ImageFieldsFragment) {
    setImages((current) => [...current, image]);
    setErrors(({ images: _, ...rest }) => rest);
  }

  const sweep = parseSweep(draft.sweepField, draft.sweepValues);
  const sweepCount = 'values' in sweep ? sweep.values.length : 0;

  function chooseSweep(field: SweepField) {
    const example = SWEEP_FIELDS.find((f) => f.value === field)?.example ?? '';
    const seeds = () => Array.from({ length: 3 }, () => randomSeed()).join(', ');
    setDraft((d) => ({
      ...d,
      sweepField: field,
      sweepValues: field === 'seed' ? seeds() : example,
    }));
    setErrors(({ sweep: _, ...rest }) => rest);
  }

  /** The runs of a sweep: one per value, named after it and tagged together. */
  function sweepInputs(
    input: CreateRunInput,
    values: readonly (string | number)[],
  ): CreateRunInput[] {
    const base =
      input.name ?? images.map((i) => i.originalName.replace(/\.[^.]+$/, '')).join(' to ');
    const tag = `sweep-${draft.sweepField}-${Date.now().toString(36).slice(-5)}`;
    return values.map((value) => {
      const label = typeof value === 'number' ? String(value) : optionLabel(value);
      const run: CreateRunInput = {
        ...input,
        name: `${base} · ${draft.sweepField === 'noise' ? 'noise' : draft.sweepField} ${label}`,
        tags: [...(input.tags ?? []), tag],
      };
      if (draft.sweepField === 'seed') run.seed = value as number;
      if (draft.sweepField === 'method') run.method = value as InterpolationMethod;
      if (draft.sweepField === 'easing') run.easing = value as Easing;
      if (draft.sweepField === 'noise') {
        const { presetId: _, ...rest } = run;
        return {
          ...rest,
          noise: {
            level: value as number,
            mode: noise.mode,
            schedule: noise.schedule,
            shared: noise.shared,
          },
        };
      }
      return run;
    });
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const filled = { ...draft, model, noiseChoice };
    const local = localErrors(filled, images);
    setErrors(local);
    if (Object.keys(local).length > 0) return;
    const input: CreateRunInput = {
      name: draft.name.trim() || undefined,
      model,
      imageIds: images.map((i) => i.id),
      steps,
      ...(draft.choices as Pick<CreateRunInput, 'method' | 'easing' | 'fit' | 'precision'>),
      width: parseInteger(draft.width),
      height: parseInteger(draft.height),
      seed: parseInteger(draft.seed),
      animation: { fps: Number.parseFloat(draft.fps), loop: draft.loop },
      tags: draft.tags
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean),
      ...(preset
        ? { presetId: preset.id }
        : {
            noise: {
              level: noise.level,
              mode: noise.mode,
              schedule: noise.schedule,
              shared: noise.shared,
            },
          }),
    };
    if ('values' in sweep && sweep.values.length > 0) {
      const created: string[] = [];
      for (const run of sweepInputs(input, sweep.values)) {
        const result = await createRun({ input: run });
        if (!result.data) {
          const placed = placeErrors(fieldErrors(result.error));
          if (created.length > 0)
            placed['form'] =
              `${created.length} of ${sweep.values.length} runs started, then: ${placed['form'] ?? 'see the fields below.'}`;
          return setErrors(placed);
        }
        created.push(result.data.createRun.id);
      }
      router.push(compareHref(created));
      return;
    }
    const result = await createRun({ input });
    if (result.data) router.push(`/runs/${result.data.createRun.id}`);
    else setErrors(placeErrors(fieldErrors(result.error)));
  }

  const libraryImages = library.data?.images.nodes ?? [];
  return (
    <form onSubmit={submit} noValidate aria-label="New run">
      <div className="page-head">
        <h1>New run</h1>
      </div>
      <ErrorMessage message={errors['form']} />

      <fieldset>
        <legend>Keyframe images</legend>
        <ImageUploader
          onUploaded={addImage}
          staleAfter={images}
          describedBy={errors['images'] ? errorId('images') : undefined}
        />
        <FieldError id={errorId('images')} message={errors['images']} />
        {images.length > 0 ? (
          <ol className="keyframes" aria-label="Keyframe order">
            {images.map((image, i) => (
              <li key={`${image.id}-${i}`} data-testid="keyframe">
                <FrameBox
                  src={image.thumbnailUrl}
                  width={image.width}
                  height={image.height}
                  alt={image.originalName}
                />
                <span className="mono file-name" data-testid="keyframe-name">
                  {i + 1}. <FileName name={image.originalName} />
                </span>
                <div className="row">
                  <button
                    type="button"
                    className="small"
                    onClick={() => setImages(moveItem(images, i, i - 1))}
                    disabled={i === 0}
                    aria-label={`Move ${image.originalName} earlier`}
                  >
                    ←
                  </button>
                  <button
                    type="button"
                    className="small"
                    onClick={() => setImages(moveItem(images, i, i + 1))}
                    disabled={i === images.length - 1}
                    aria-label={`Move ${image.originalName} later`}
                  >
                    →
                  </button>
                  <button
                    type="button"
                    className="small danger"
                    onClick={() => setImages(images.filter((_, j) => j !== i))}
                    aria-label={`Remove ${image.originalName}`}
                  >
                    Remove
                  </button>
                </div>
              </li>
            ))}
          </ol>
        ) : null}
        <details style={{ marginTop: '0.75rem' }}>
          <summary>Pick from the library ({library.data?.images.totalCount ?? 0})</summary>
          <div className="library">
            {libraryImages.map((image) => (
              <button
                key={image.id}
                type="button"
                onClick={() => addImage(image)}
                aria-label={`Add ${image.originalName}`}
              >
                <FrameBox
                  src={image.thumbnailUrl}
                  width={image.width}
                  height={image.height}
                  alt=""
                />
                <span className="file-name">
                  <FileName name={image.originalName} />
                </span>
              </button>
            ))}
          </div>
        </details>
      </fieldset>

      <fieldset>
        <legend>Interpolation</legend>
        <div className="form-grid">
          <div className="field">
            <label htmlFor={fieldId('model')}>Model</label>
            <select
              id={fieldId('model')}
              value={model}
              onChange={(e) => set('model', e.target.value)}
              {...invalidProps('model')}
            >
              {(models.data?.models ?? []).map((m) => (
                <option key={m.name} value={m.name} disabled={!m.weightsAvailable}>
                  {m.name}
                  {m.weightsAvailable ? '' : ' (weights missing)'}
                </option>
              ))}
            </select>
            <FieldError id={errorId('model')} message={errors['model']} />
          </div>
          <div className="field">
            <label htmlFor={fieldId('steps')}>Steps (frames)</label>
            <input
              id={fieldId('steps')}
              inputMode="numeric"
              value={draft.steps}
              onChange={(e) => set('steps', e.target.value)}
              {...invalidProps('steps')}
            />
            <FieldError id={errorId('steps')} message={errors['steps']} />
          </div>
          <div className="field">
            <span className="label" id={fieldId('size-label')}>
              Size (px)
            </span>
            <div className="row" role="group" aria-labelledby={fieldId('size-label')}>
              <input
                aria-label="Width"
                inputMode="numeric"
                style={{ width: '5rem' }}
                value={draft.width}
                onChange={(e) => set('width', e.target.value)}
                {...invalidProps('size')}
              />
              ×
              <input
                aria-label="Height"
                inputMode="numeric"
                style={{ width: '5rem' }}
                value={draft.height}
                onChange={(e) => set('height', e.target.value)}
                {...invalidProps('size')}
              />
            </div>
            <FieldError id={errorId('size')} message={errors['size']} />
          </div>
          <ChoiceFields
            values={draft.choices}
            errors={errors}
            idPrefix={id}
            onChange={(field, value) =>
              setDraft((d) => ({ ...d, choices: { ...d.choices, [field]: value } }))
            }
          />
        </div>
      </fieldset>

      <fieldset>
        <legend>Noise</legend>
        <div className="form-grid">
          <div className="field">
            <label htmlFor={fieldId('noise')}>Preset</label>
            <select
              id={fieldId('noise')}
              value={noiseChoice}
              onChange={(e) => set('noiseChoice', e.target.value)}
              {...invalidProps('noise')}
            >
              {presetList.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
              <option value={CUSTOM}>Custom…</option>
            </select>
          </div>
          {preset ? null : (
            <NoiseFields
              idPrefix={fieldId('noise')}
              noise={draft.customNoise}
              onChange={changeCustomNoise}
              levelInvalidProps={invalidProps('noise')}
            />
          )}
        </div>
        {preset?.description ? <p className="field-hint">{preset.description}</p> : null}
        <FieldError id={errorId('noise')} message={errors['noise']} />
        <div style={{ maxWidth: 420, marginTop: '0.5rem' }}>
          {schedule.length > 0 ? (
            <LineChart
              title="Noise level across frames"
              xLabel={`frame 0 → ${schedule.length - 1} (${noise.mode.toLowerCase()} units)`}
              series={[{ label: 'noise', color: SERIES_COLORS[0], values: schedule }]}
            />
          ) : (
            <p className="field-hint">The schedule plot appears once steps and level are valid.</p>
          )}
        </div>
      </fieldset>

      <fieldset>
        <legend>Run</legend>
        <div className="form-grid">
          <div className="field">
            <label htmlFor={fieldId('seed')}>Seed</label>
            <div className="row">
              <input
                id={fieldId('seed')}
                inputMode="numeric"
                style={{ width: '9rem' }}
                value={draft.seed}
                onChange={(e) => set('seed', e.target.value)}
                {...invalidProps('seed')}
              />
              <button type="button" onClick={() => set('seed', String(randomSeed()))}>
                Random
              </button>
            </div>
            <FieldError id={errorId('seed')} message={errors['seed']} />
          </div>
          <div className="field">
            <span className="label" id={fieldId('animation-label')}>
              Animation
            </span>
            <div className="row" role="group" aria-labelledby={fieldId('animation-label')}>
              <input
                aria-label="Frames per second"
                inputMode="decimal"
                style={{ width: '4rem' }}
                value={draft.fps}
                onChange={(e) => set('fps', e.target.value)}
                {...invalidProps('animation')}
              />
              <span>fps</span>
              <select
                aria-label="Loop"
                value={draft.loop}
                onChange={(e) => set('loop', e.target.value as LoopMode)}
              >
                {LOOP_OPTIONS.map((m) => (
                  <option key={m} value={m}>
                    {optionLabel(m)}
                  </option>
                ))}
              </select>
            </div>
            <FieldError id={errorId('animation')} message={errors['animation']} />
          </div>
          <div className="field">
            <label htmlFor={fieldId('name')}>Name (optional)</label>
            <input
              id={fieldId('name')}
              value={draft.name}
              onChange={(e) => set('name', e.target.value)}
              {...invalidProps('name')}
            />
            <FieldError id={errorId('name')} message={errors['name']} />
          </div>
          <div className="field">
            <label htmlFor={fieldId('tags')}>Tags (comma separated)</label>
            <input
              id={fieldId('tags')}
              value={draft.tags}
              onChange={(e) => set('tags', e.target.value)}
              {...invalidProps('tags')}
            />
            <FieldError id={errorId('tags')} message={errors['tags']} />
          </div>
        </div>
      </fieldset>

      <fieldset>
        <legend>Sweep</legend>
        <p className="field-hint" style={{ marginTop: 0 }}>
          Launch up to {MAX_SWEEP} runs that differ in one parameter, tagged together and opened
          side by side in Compare.
        </p>
        <div className="form-grid">
          <div className="field">
            <label htmlFor={fieldId('sweep-field')}>Vary</label>
            <select
              id={fieldId('sweep-field')}
              value={draft.sweepField}
              onChange={(e) => chooseSweep(e.target.value as SweepField)}
            >
              {SWEEP_FIELDS.map((f) => (
                <option key={f.value} value={f.value}>
                  {f.label}
                </option>
              ))}
            </select>
          </div>
          {draft.sweepField === 'none' ? null : (
            <div className="field" style={{ gridColumn: 'span 2' }}>
              <label htmlFor={fieldId('sweep')}>Values (comma separated)</label>
              <input
                id={fieldId('sweep')}
                value={draft.sweepValues}
                onChange={(e) => set('sweepValues', e.target.value)}
                {...invalidProps('sweep')}
              />
              <FieldError id={errorId('sweep')} message={errors['sweep']} />
            </div>
          )}
        </div>
      </fieldset>

      <div className="row">
        <button type="submit" className="primary" disabled={createState.fetching}>
          {createState.fetching
            ? 'Starting…'
            : sweepCount > 0
              ? `Start ${sweepCount} runs`
              : 'Start run'}
        </button>
      </div>
    </form>
  );
}
