// Subscriber side of bench/api.ts, in its own process as real clients would be: N graphql-ws
// clients wait for the next run to be created, follow its runProgress, and print each frame's
// receive time (and when each client started listening) as JSON on stdout.
// Usage: tsx bench/api-subscribers.ts <server url> <subscriber count> <bearer tokens, comma separated>
import { collectProgress, wsClient } from '../test/helpers/api.ts';

const [url, countText, tokenList] = process.argv.slice(2);
const count = Number(countText);
const tokens = tokenList!.split(',');
// The tokens in turn: subscriber i signs in as user i modulo their number.
const clients = Array.from({ length: count }, (_, i) =>
  wsClient(url!, { token: tokens[i % tokens.length]! }),
);
const receipts: { index: number; at: number; listeningSince: number }[] = [];

const connected = Promise.all(
  clients.map((client) => new Promise((resolve) => client.on('connected', resolve))),
);
void Promise.all(
  clients.map(
    (client) =>
      new Promise<void>((resolve, reject) => {
        let started = false;
        const stop = client.subscribe<{ runUpdates: { kind: string; runId: string } }>(
          { query: 'subscription { runUpdates { kind runId } }' },
          {
            next: (result) => {
              const update = result.data?.runUpdates;
              if (started || update?.kind !== 'CREATED') return;
              started = true;
              stop();
              let listeningSince = Number.POSITIVE_INFINITY;
              collectProgress(client, update.runId, (event) => {
                const at = Date.now();
                listeningSince = Math.min(listeningSince, at);
                if (event.kind === 'FRAME')
                  receipts.push({ index: event.index!, at, listeningSince });
              }).then(() => resolve(), reject);
            },
            error: reject,
            complete: () => {},
          },
        );
      }),
  ),
).then(
  async () => {
    process.stdout.write(`${JSON.stringify(receipts)}\n`);
    await Promise.all(clients.map((client) => client.dispose()));
    process.exit(0);
  },
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
// Tell the parent every client is connected and subscribed (graphql-ws acknowledges lazily).
await connected;
await new Promise((resolve) => setTimeout(resolve, 200));
process.stderr.write('ready\n');
