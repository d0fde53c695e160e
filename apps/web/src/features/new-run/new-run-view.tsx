'use client';
import { useQueryState } from 'nuqs';
import { useQuery } from 'urql';
import { NoisePresetsDocument, RunSetupDocument } from '../../gql/graphql.ts';
import { describeError } from '../../lib/errors.ts';
import { ErrorMessage } from '../../components/bits.tsx';
import { draftOfRun } from './draft.ts';
import { NewRunForm } from './new-run-form.tsx';

/** The New run page: an empty form, or with `?from=<run id>` one filled with that run's parameters. */
export function NewRunView() {
  const [from] = useQueryState('from');
  return from ? <NewRunFromRun key={from} runId={from} /> : <NewRunForm />;
}

function NewRunFromRun({ runId }: { runId: string }) {
  const [setup] = useQuery({ query: RunSetupDocument, variables: { id: runId } });
  // The presets decide whether the run's preset still holds its noise.
  const [presets] = useQuery({ query: NoisePresetsDocument });
  const error = setup.error ?? presets.error;
  if (error) return <ErrorMessage message={describeError(error)} />;
  if (!setup.data || !presets.data) return <p className="muted">Loading the run’s parameters…</p>;
  const run = setup.data.run;
  if (!run) return <ErrorMessage message={`No run with id ${runId} to start from.`} />;
  return (
    <NewRunForm
      from={{
        runId: run.id,
        runName: run.name,
        draft: draftOfRun(run, presets.data.noisePresets),
        images: run.keyframes,
      }}
    />
  );
}
