'use client';
import { useMemo } from 'react';
import { formatDuration } from '../../lib/format.ts';
import { FrameBox, ScrollRegion } from '../../components/bits.tsx';
import type { LiveFrame } from './live-frames.ts';

/** One thumbnail per frame of the run, decoded or not yet; a decoded one shows in the player. */
export function Filmstrip({
  frames,
  total,
  width,
  height,
  position,
  onShow,
}: {
  /** The decoded frames in index order; the player's position is a place in this list. */
  frames: readonly LiveFrame[];
  total: number;
  width: number;
  height: number;
  position: number;
  onShow: (position: number) => void;
}) {
  const positionOf = useMemo(() => new Map(frames.map((f, place) => [f.index, place])), [frames]);
  return (
    <>
      <h2>Filmstrip</h2>
      <div className="filmstrip" role="list" aria-label="Filmstrip" data-testid="filmstrip">
        {Array.from({ length: total }, (_, index) => {
          const at = positionOf.get(index) ?? -1;
          const frame = frames[at];
          return (
            <div role="listitem" key={index}>
              <button
                type="button"
                aria-label={
                  frame ? `Show frame ${index + 1}` : `Frame ${index + 1} not decoded yet`
                }
                aria-current={at === position && frame ? 'true' : undefined}
                disabled={!frame}
                onClick={() => onShow(at)}
              >
                <FrameBox src={frame?.thumbnailUrl} width={width} height={height} alt="" />
              </button>
              <div className="index">{index + 1}</div>
            </div>
          );
        })}
      </div>
    </>
  );
}

export function FrameTimings({ frames }: { frames: readonly LiveFrame[] }) {
  return (
    <div className="panel">
      <h2 style={{ marginTop: 0 }}>Per-frame timings</h2>
      <ScrollRegion className="table-scroll" label="Per-frame timings table">
        <table>
          <thead>
            <tr>
              <th scope="col">Frame</th>
              {['Alpha', 'Noise', 'Decode'].map((label) => (
                <th key={label} scope="col" className="num">
                  {label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {frames.map((f) => (
              <tr key={f.index} data-frame-index={f.index} data-decode-ms={f.decodeMs}>
                <td>{f.index + 1}</td>
                <td className="num">{f.alpha.toFixed(3)}</td>
                <td className="num">{f.noiseLevel.toFixed(3)}</td>
                <td className="num">{formatDuration(f.decodeMs)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollRegion>
    </div>
  );
}
