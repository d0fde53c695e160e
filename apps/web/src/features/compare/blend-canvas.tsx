'use client';
import { useEffect, useRef, useState, type PointerEvent } from 'react';
import type { DiffGain } from '@latent-lab/domain';
import { differenceInto, type CompareMode } from './compare.ts';

/** Loaded images by URL: frames are immutable, so each is fetched and decoded once per page. */
const images = new Map<string, Promise<HTMLImageElement>>();

function loadImage(src: string): Promise<HTMLImageElement> {
  let image = images.get(src);
  if (!image) {
    image = new Promise((resolve, reject) => {
      const element = new Image();
      element.decoding = 'async';
      element.onload = () => resolve(element);
      element.onerror = () => reject(new Error(`could not load ${src}`));
      element.src = src;
    });
    image.catch(() => images.delete(src));
    images.set(src, image);
  }
  return image;
}

export interface BlendSettings {
  mode: Exclude<CompareMode, 'side'>;
  /** Wipe: the share of the width (0..1) left of the divider, which shows A. */
  wipe: number;
  /** Onion skin: the opacity of B over A (0..1). */
  opacity: number;
  /** Difference: the factor each channel's absolute difference is multiplied by. */
  gain: DiffGain;
}

/**
 * Two frames drawn into one canvas: an A/B wipe (A left of a draggable divider, B right of it),
 * an onion skin (B over A at an opacity) or their difference (|A - B| per channel, amplified).
 * The canvas has A's pixel size; B is scaled to it. `data-drawn` equals `data-want` once the
 * current settings are on the canvas, so tests can wait for it and read the pixels back.
 */
export function BlendCanvas({
  aSrc,
  bSrc,
  width,
  height,
  settings,
  label,
  onWipeChange,
}: {
  aSrc: string | undefined;
  bSrc: string | undefined;
  width: number;
  height: number;
  settings: BlendSettings;
  label: string;
  onWipeChange: (wipe: number) => void;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [drawn, setDrawn] = useState('');
  const [differing, setDiffering] = useState<number | null>(null);
  const dragging = useRef(false);
  const want = [settings.mode, aSrc, bSrc, settings.wipe, settings.opacity, settings.gain].join(
    '|',
  );

  useEffect(() => {
    let stale = false;
    const target = canvas.current;
    const context = target?.getContext('2d', { willReadFrequently: settings.mode === 'diff' });
    if (!target || !context) return;
    if (!aSrc || !bSrc) {
      context.fillStyle = '#6b7280';
      context.fillRect(0, 0, width, height);
      setDrawn(want);
      setDiffering(null);
      return;
    }
    Promise.all([loadImage(aSrc), loadImage(bSrc)])
      .then(([a, b]) => {
        if (stale) return;
        context.globalAlpha = 1;
        context.clearRect(0, 0, width, height);
        if (settings.mode === 'wipe') {
          context.drawImage(b, 0, 0, width, height);
          const split = Math.round(settings.wipe * width);
          if (split > 0) {
            // A's own pixels left of the divider: its source rectangle maps 1:1 onto the canvas.
            const sourceWidth = (split / width) * a.naturalWidth;
            context.drawImage(a, 0, 0, sourceWidth, a.naturalHeight, 0, 0, split, height);
          }
          setDiffering(null);
        } else if (settings.mode === 'onion') {
          context.drawImage(a, 0, 0, width, height);
          context.globalAlpha = settings.opacity;
          context.drawImage(b, 0, 0, width, height);
          context.globalAlpha = 1;
          setDiffering(null);
        } else {
          context.drawImage(a, 0, 0, width, height);
          const pixelsA = context.getImageData(0, 0, width, height);
          context.clearRect(0, 0, width, height);
          context.drawImage(b, 0, 0, width, height);
          const pixelsB = context.getImageData(0, 0, width, height);
          const out = context.createImageData(width, height);
          setDiffering(differenceInto(pixelsA.data, pixelsB.data, out.data, settings.gain));
          context.putImageData(out, 0, 0);
        }
        setDrawn(want);
      })
      .catch(() => {
        if (!stale) setDrawn(want);
      });
    return () => {
      stale = true;
    };
  }, [aSrc, bSrc, width, height, settings, want]);

  function wipeAt(event: PointerEvent<HTMLDivElement>) {
    const box = event.currentTarget.getBoundingClientRect();
    onWipeChange(Math.min(1, Math.max(0, (event.clientX - box.left) / box.width)));
  }

  return (
    <div>
      <div
        className={`blend-stage mode-${settings.mode}`}
        style={{ aspectRatio: `${width} / ${height}` }}
        onPointerDown={(event) => {
          if (settings.mode !== 'wipe') return;
          dragging.current = true;
          event.currentTarget.setPointerCapture(event.pointerId);
          wipeAt(event);
        }}
        onPointerMove={(event) => {
          if (dragging.current) wipeAt(event);
        }}
        onPointerUp={() => {
          dragging.current = false;
        }}
        onPointerCancel={() => {
          dragging.current = false;
        }}
      >
        <canvas
          ref={canvas}
          width={width}
          height={height}
          role="img"
          aria-label={label}
          data-testid="compare-canvas"
          data-want={want}
          data-drawn={drawn}
          data-a-src={aSrc ?? ''}
          data-b-src={bSrc ?? ''}
        />
        {settings.mode === 'wipe' ? (
          <div
            className="wipe-divider"
            aria-hidden
            style={{ left: `${settings.wipe * 100}%` }}
            data-testid="wipe-divider"
          />
        ) : null}
      </div>
      {settings.mode === 'diff' && differing !== null ? (
        <p className="muted" data-testid="diff-stat" style={{ margin: '0.3rem 0 0' }}>
          {((differing / (width * height)) * 100).toFixed(1)}% of pixels differ (×
          {settings.gain})
        </p>
      ) : null}
    </div>
  );
}
