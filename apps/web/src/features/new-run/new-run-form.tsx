'use client';
import {
  CreateRunDocument,
  CreateSweepDocument,
  ModelsDocument,
  NoisePresetsDocument,
  QuotaDocument,
} from '../../gql/graphql.ts';
import { useEffect, useId, useLayoutEffect, useRef, useState, type FormEvent } from 'react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useMutation, useQuery } from 'urql';
import type { ImageFieldsFragment } from '../../gql/graphql.ts';
import { fieldErrors } from '../../lib/errors.ts';
import { randomSeed } from '../../lib/seed.ts';
import type { NoiseShape } from '../../lib/noise-schedule.ts';
import type { NoiseDraft } from '../../components/noise-fields.tsx';
import { ErrorMessage } from '../../components/bits.tsx';
import {
  CUSTOM,
  draftErrors,
  INITIAL_DRAFT,
  parseInteger,
  placeErrors,
  runInput,
  sweepInput,
  withSweep,
} from './draft.ts';
import type { Draft } from './draft.ts';
import { InterpolationFieldset, RunFieldset, SweepFieldset } from './fieldsets.tsx';
import { KeyframesFieldset } from './keyframes-fieldset.tsx';
import { NoiseFieldset } from './noise-fieldset.tsx';
import { parseSweep } from './sweep.ts';

/** A run to start from: the form opens with its parameters and keyframes (Edit and rerun). */
export interface StartFrom {
  runId: string;
  runName: string;
  draft: Draft;
  images: ImageFieldsFragment[];
}

export function NewRunForm({ from }: { from?: StartFrom }) {
  const id = useId();
  const router = useRouter();
  const [models] = useQuery({ query: ModelsDocument });
  const [presets] = useQuery({ query: NoisePresetsDocument });
  // Read as the form opens: runs start and end meanwhile, so it informs and the server decides.
  const [quota] = useQuery({ query: QuotaDocument, requestPolicy: 'network-only' });
  const [createState, createRun] = useMutation(CreateRunDocument);
  const [sweepState, createSweep] = useMutation(CreateSweepDocument);
  const [images, setImages] = useState<ImageFieldsFragment[]>(from?.images ?? []);
  const [errors, setErrors] = useState<Record<string, string>>({});
  // Counts failed submits: after each, focus moves to the first field marked invalid.
  const [failures, setFailures] = useState(0);
  const formRef = useRef<HTMLFormElement>(null);
  const [draft, setDraft] = useState<Draft>(from?.draft ?? INITIAL_DRAFT);

  // Drawn in the browser after hydration, so the server-rendered form and the client agree.
  useEffect(() => setDraft((d) => (d.seed ? d : { ...d, seed: String(randomSeed()) })), []);

  // Until chosen: the first model with weights, the preset without noise.
  const available = (models.data?.models ?? []).filter((m) => m.weightsAvailable);
  const presetList = presets.data?.noisePresets ?? [];
  const filled: Draft = {
    ...draft,
    model: draft.model || available[0]?.name || '',
    noiseChoice: draft.noiseChoice || presetList.find((p) => p.level === 0)?.id || CUSTOM,
  };
  const preset = presetList.find((p) => p.id === filled.noiseChoice);
  const noise: NoiseShape = preset ?? {
    ...draft.customNoise,
    level: Number.parseFloat(draft.customNoise.level),
  };
  const sweep = parseSweep(draft.sweepField, draft.sweepValues);
  const sweepCount = 'values' in sweep ? sweep.values.length : 0;

  const change = (next: Partial<Draft>) => setDraft((d) => ({ ...d, ...next }));
  const fieldsetProps = { id, draft: filled, onChange: change, errors };

  // A layout effect: focus moves in the same commit that marks the fields, never a moment after.
  useLayoutEffect(() => {
    if (failures > 0) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [failures]);

  /** Shows a failed submit's errors and sends focus to the first invalid field. */
  function fail(next: Record<string, string>) {
    setErrors(next);
    setFailures((n) => n + 1);
  }

  function addImage(image: ImageFieldsFragment) {
    setImages((current) => [...current, image]);
    setErrors(({ images: _, ...rest }) => rest);
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const local = draftErrors(
      filled,
      images.map((i) => i.id),
      !preset,
    );
    if (Object.keys(local).length > 0) return fail(local);
    setErrors({});
    const input = runInput(filled, images, preset?.id, noise);
    if ('values' in sweep && sweep.values.length > 0) {
      // One sweep: every run is checked before any starts, so it starts whole or not at all.
      const result = await createSweep({
        input: sweepInput(input, draft.sweepField, sweep.values, images),
      });
      if (result.data) return router.push(`/sweeps/${result.data.createSweep.id}`);
      return fail(placeErrors(fieldErrors(result.error)));
    }
    const result = await createRun({ input });
    if (result.data) router.push(`/runs/${result.data.createRun.id}`);
    else fail(placeErrors(fieldErrors(result.error)));
  }

  return (
    <form ref={formRef} onSubmit={submit} noValidate aria-label="New run">
      <div className="page-head">
        <div>
          <h1>New run</h1>
          {from ? (
            <p className="muted" data-testid="started-from">
              With the parameters of <Link href={`/runs/${from.runId}`}>{from.runName}</Link>: edit
              any of them and start.
            </p>
          ) : null}
        </div>
      </div>
      <ErrorMessage message={errors['form']} />
      <KeyframesFieldset
        images={images}
        onImagesChange={setImages}
        onAdd={addImage}
        error={errors['images']}
        errorId={`${id}-images-error`}
        frame={{
          width: parseInteger(draft.width),
          height: parseInteger(draft.height),
          fit: filled.choices['fit'] ?? '',
        }}
      />
      <InterpolationFieldset {...fieldsetProps} models={models.data?.models ?? []} />
      <NoiseFieldset
        id={id}
        presets={presetList}
        choice={filled.noiseChoice}
        onChoiceChange={(noiseChoice) => change({ noiseChoice })}
        custom={draft.customNoise}
        onCustomChange={(next: Partial<NoiseDraft>) =>
          setDraft((d) => ({ ...d, customNoise: { ...d.customNoise, ...next } }))
        }
        noise={noise}
        steps={parseInteger(draft.steps)}
        error={errors['noise']}
      />
      <RunFieldset {...fieldsetProps} />
      <SweepFieldset
        {...fieldsetProps}
        quota={quota.data?.quota}
        runs={sweepCount}
        onFieldChange={(field) => {
          setDraft((d) => withSweep(d, field));
          setErrors(({ sweep: _, ...rest }) => rest);
        }}
      />
      <div className="row">
        <button
          type="submit"
          className="primary"
          disabled={createState.fetching || sweepState.fetching}
        >
          {createState.fetching || sweepState.fetching
            ? 'Starting…'
            : sweepCount > 0
              ? `Start ${sweepCount} runs`
              : 'Start run'}
        </button>
      </div>
    </form>
  );
}
