// Reading Prometheus text exposition (/metrics) in tests.

/** The value of one sample line `name{labels} value`, labels matched as a substring; NaN when absent. */
export function sample(text: string, name: string, labels = ''): number {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (labels && !line.includes(labels)) continue;
    return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return Number.NaN;
}
