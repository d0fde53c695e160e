import cliProgress from 'cli-progress';
import type { DownloadProgress } from '@latent-lab/engine';

/** A progress bar on stderr; silent when stderr is not a terminal, so logs stay clean. */
export function progressBar(label: string, unit: string): cliProgress.SingleBar {
  return new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${label} [{bar}] {value}/{total} ${unit} | {eta_formatted} left`,
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
}

/** Draws one bar per downloaded weight file. */
export function downloadProgress(): (progress: DownloadProgress) => void {
  const bars = new Map<string, cliProgress.SingleBar>();
  return ({ file, receivedBytes, totalBytes }) => {
    let bar = bars.get(file);
    const kib = Math.round(receivedBytes / 1024);
    if (!bar) {
      bar = progressBar(`downloading ${file}`, 'KiB');
      bar.start(totalBytes ? Math.round(totalBytes / 1024) : 0, kib);
      bars.set(file, bar);
    }
    bar.update(kib);
    if (totalBytes !== null && receivedBytes >= totalBytes) bar.stop();
  };
}
