// Webhook delivery (docs/API.md §5.19): a receiver on 127.0.0.1 registered as
// an endpoint for `session.created`, then `events` sessions created by
// `parallel` clients as fast as they go. Figures: delivery throughput (events
// delivered per second, from the first create to the last delivery) beside
// the create rate, and the lag from the create's answer (its commit
// acknowledged) to the event's arrival at the receiver (median, p95, max).
// Then `lone` sessions one at a time, each waiting for its event: the lag of
// an event alone (a quiet shop), where the worker was idle: a commit wakes
// the worker of its own process at once; the worker's polling (every 500 ms
// at most, by default) is the fallback for another instance's commits. The
// server's own settings apply, so the lags are what a merchant sees.
import { createServer } from "node:http";
import { call, pool, SK, SESSION_BODY } from "./load.mjs";

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : null;
};

export async function measureWebhooks(api, { events = 300, parallel = 8, lone = 20, timeoutMs = 60000, log = () => {} } = {}) {
  const arrived = new Map(); // session id → ms of the first arrival
  let duplicates = 0;
  let done;
  const all = new Promise((resolve) => { done = resolve; });
  let waiting = null; // [session id, resolve] of the lone event awaited
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const at = performance.now();
      try {
        const e = JSON.parse(Buffer.concat(chunks).toString("utf8"));
        if (arrived.has(e.objectId)) duplicates++;
        else arrived.set(e.objectId, at);
        if (waiting && waiting[0] === e.objectId) waiting[1]();
      } catch { /* counted as missing below */ }
      res.writeHead(204).end();
      if (arrived.size >= events) done();
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${server.address().port}/hooks`;
  const ep = await call(api, "POST", "/v1/webhook-endpoints", SK, { url, types: "session.created" });
  try {
    const answered = new Map();
    const t0 = performance.now();
    await pool(events, parallel, async () => {
      const s = await call(api, "POST", "/v1/sessions", SK, SESSION_BODY);
      answered.set(s.id, performance.now());
    });
    const created = performance.now();
    let timer;
    await Promise.race([all, new Promise((r) => { timer = setTimeout(r, timeoutMs); })]);
    clearTimeout(timer);
    const last = Math.max(...arrived.values());
    const lags = [...answered].filter(([id]) => arrived.has(id)).map(([id, t]) => arrived.get(id) - t);
    const r = {
      events,
      delivered: [...answered.keys()].filter((id) => arrived.has(id)).length,
      duplicates,
      createPerSecond: events / ((created - t0) / 1000),
      deliveredPerSecond: arrived.size / ((last - t0) / 1000),
      lagMs: { median: quantile(lags, 0.5), p95: quantile(lags, 0.95), max: Math.max(...lags) },
    };
    if (r.delivered < events) throw new Error(`only ${r.delivered} of ${events} events delivered within ${timeoutMs} ms`);
    // One at a time: each create's answer, then its event (bounded wait).
    const loneLags = [];
    for (let i = 0; i < lone; i++) {
      const s = await call(api, "POST", "/v1/sessions", SK, SESSION_BODY);
      const t = performance.now();
      if (!arrived.has(s.id)) {
        let timer;
        const came = await Promise.race([
          new Promise((resolve) => { waiting = [s.id, () => resolve(true)]; }),
          new Promise((resolve) => { timer = setTimeout(() => resolve(false), timeoutMs); }),
        ]);
        clearTimeout(timer);
        waiting = null;
        if (!came) throw new Error(`a lone event not delivered within ${timeoutMs} ms`);
      }
      loneLags.push(Math.max(0, arrived.get(s.id) - t));
    }
    r.lone = lone;
    r.loneLagMs = { median: quantile(loneLags, 0.5), p95: quantile(loneLags, 0.95), max: Math.max(...loneLags) };
    log(`webhooks: ${r.delivered}/${events} delivered (${duplicates} duplicates); ${r.deliveredPerSecond.toFixed(0)} events/s delivered vs ${r.createPerSecond.toFixed(0)} sessions/s created; commit → delivery lag median ${r.lagMs.median.toFixed(0)} ms, p95 ${r.lagMs.p95.toFixed(0)} ms, max ${r.lagMs.max.toFixed(0)} ms; an event alone (${lone}, one at a time): median ${r.loneLagMs.median.toFixed(1)} ms, p95 ${r.loneLagMs.p95.toFixed(1)} ms, max ${r.loneLagMs.max.toFixed(1)} ms`);
    return r;
  } finally {
    await call(api, "DELETE", `/v1/webhook-endpoints/${ep.id}`, SK).catch(() => {});
    server.closeAllConnections?.();
    server.close();
  }
}
