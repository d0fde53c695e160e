'use client';
import { useId } from 'react';
import type { BlendSettings } from './blend-canvas.tsx';
import { DIFF_GAINS, type DiffGain } from '@latent-lab/domain';
import { COMPARE_MODES, type CompareMode } from './compare.ts';
import type { ShownRun } from './use-compare-runs.ts';

/** The wipe, onion and difference views' settings. */
export type Blend = Omit<BlendSettings, 'mode'>;

export type Pair = { a: number; b: number };

/** What the comparison shows: the view, its A and B (indexes into the runs) and its settings. */
export interface ViewState {
  mode: CompareMode;
  pair: Pair;
  blend: Blend;
}

/** A 0..1 setting as a slider of whole percents. */
function PercentSlider({
  label,
  value,
  onChange,
  valueText,
}: {
  label: string;
  value: number;
  onChange: (value: number) => void;
  valueText: (percent: number) => string;
}) {
  const percent = Math.round(value * 100);
  return (
    <label className="row">
      {label}
      <input
        type="range"
        min={0}
        max={100}
        value={percent}
        onChange={(e) => onChange(Number(e.target.value) / 100)}
        aria-valuetext={valueText(percent)}
      />
    </label>
  );
}

/** The view (side by side, wipe, onion skin, difference) and, for the blended ones, its settings. */
export function ViewControls({
  view,
  onViewChange,
  shown,
}: {
  view: ViewState;
  onViewChange: (change: Partial<ViewState>) => void;
  shown: readonly ShownRun[];
}) {
  const { mode, pair, blend } = view;
  const onBlendChange = (change: Partial<Blend>) =>
    onViewChange({ blend: { ...blend, ...change } });
  const id = useId();
  return (
    <>
      <div className="row" role="radiogroup" aria-label="View">
        {COMPARE_MODES.map((m) => (
          <label key={m.value} className="checkbox view-choice">
            <input
              type="radio"
              name={`${id}-view`}
              value={m.value}
              checked={mode === m.value}
              onChange={() => onViewChange({ mode: m.value })}
            />
            {m.label}
          </label>
        ))}
      </div>
      {mode === 'side' ? null : (
        <div className="row blend-controls">
          {(['a', 'b'] as const).map((side) => {
            const other = side === 'a' ? 'b' : 'a';
            return (
              <label key={side} className="row">
                {side.toUpperCase()}
                <select
                  value={pair[side]}
                  onChange={(e) => {
                    const next = Number(e.target.value);
                    // Picking the other side's run swaps the two.
                    onViewChange({
                      pair: {
                        [side]: next,
                        [other]: pair[other] === next ? pair[side] : pair[other],
                      } as Pair,
                    });
                  }}
                >
                  {shown.map((s, i) => (
                    <option key={s.run.id} value={i}>
                      {s.run.name} ({i + 1})
                    </option>
                  ))}
                </select>
              </label>
            );
          })}
          {mode === 'wipe' ? (
            <PercentSlider
              label="Divider"
              value={blend.wipe}
              onChange={(wipe) => onBlendChange({ wipe })}
              valueText={(percent) => `${percent}% of the width shows A`}
            />
          ) : null}
          {mode === 'onion' ? (
            <PercentSlider
              label="Opacity of B"
              value={blend.opacity}
              onChange={(opacity) => onBlendChange({ opacity })}
              valueText={(percent) => `${percent}%`}
            />
          ) : null}
          {mode === 'diff' ? (
            <label className="row">
              Amplify
              <select
                value={blend.gain}
                onChange={(e) => onBlendChange({ gain: Number(e.target.value) as DiffGain })}
              >
                {DIFF_GAINS.map((g) => (
                  <option key={g} value={g}>
                    ×{g}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
        </div>
      )}
    </>
  );
}
