// The SQL peers: the benchmark contract's rules written as one DuckDB query over the same CSV,
// run by DuckDB-wasm (single-threaded, as a page embeds it; its Node build) and by native DuckDB
// (all cores). Scores are DECIMAL so tier thresholds compare exactly, as our reader's do.
// Installed apart from make test: scripts/setup.sh bench (bench/package.json).
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const sqlString = (s) => `'${String(s).replaceAll("'", "''")}'`;

/** The contract's rules as SQL over `file`: the same counts, payment and statistics as the JS peer. */
export function contractSql(c, file) {
  const tiers = [...c.paymentCard].sort((a, b) => b.atLeast - a.atLeast);
  const tierCents = `CASE ${tiers.map((t) => `WHEN gain >= ${t.atLeast} THEN ${t.centsPerStudent}`).join(' ')} ELSE 0 END`;
  const lowest = Math.min(...c.paymentCard.map((t) => t.atLeast));
  const { minMinutesPerWeek: perWeek, minWeeks } = c.fidelity;
  const subgroups = c.subgroupColumns.map((col) => `SELECT ${sqlString(col)} AS col, "${col}" AS v, met FROM t`).join(' UNION ALL ');
  return `
WITH r AS (
  SELECT * FROM read_csv(${sqlString(file)}, header = true, auto_detect = false, delim = ',', quote = '"',
    columns = {'student_id': 'VARCHAR', 'school': 'VARCHAR', 'grade': 'VARCHAR', 'pre': 'DECIMAL(9,2)',
      'post': 'DECIMAL(9,2)', 'minutes': 'INTEGER', 'weeks': 'INTEGER', 'group': 'VARCHAR', 'ell': 'VARCHAR', 'iep': 'VARCHAR'})
),
t AS (
  SELECT *, post - pre AS gain,
    minutes >= ${perWeek} * weeks AND weeks >= ${minWeeks} AS fid,
    (minutes >= ${perWeek} * weeks AND weeks >= ${minWeeks} AND post - pre >= ${lowest})::INTEGER AS met
  FROM r WHERE "group" = 'T'
),
counts AS (
  SELECT count(*) AS enrolled,
    count(*) FILTER (fid) AS at_fidelity,
    count(*) FILTER (fid AND gain IS NOT NULL) AS with_outcome,
    count(*) FILTER (met = 1) AS met_target,
    count(*) FILTER (fid AND gain < 0) AS declined,
    coalesce(sum(${tierCents}) FILTER (fid AND gain IS NOT NULL), 0) AS outcome_cents,
    (median(gain) FILTER (fid))::DOUBLE AS growth_median, avg(gain) FILTER (fid) AS growth_mean,
    stddev_samp(gain) FILTER (fid) AS growth_sd
  FROM t
),
effect AS (
  SELECT (avg(post) FILTER ("group" = 'T') - avg(post) FILTER ("group" = 'C'))
    / sqrt(((count(post) FILTER ("group" = 'T') - 1) * var_samp(post) FILTER ("group" = 'T')
      + (count(post) FILTER ("group" = 'C') - 1) * var_samp(post) FILTER ("group" = 'C'))
      / (count(post) FILTER ("group" = 'T') + count(post) FILTER ("group" = 'C') - 2)) AS g,
    count(*) - count(DISTINCT student_id) AS duplicates
  FROM r
),
bands AS (
  SELECT count(*) AS bands FROM (
    SELECT CASE WHEN minutes >= 60 * weeks THEN 4 WHEN minutes >= 45 * weeks THEN 3 WHEN minutes >= 30 * weeks THEN 2
      WHEN minutes >= 15 * weeks THEN 1 ELSE 0 END AS band, count(*) AS n, avg(gain) AS mean
    FROM t GROUP BY band)
),
cells AS (
  SELECT count(*) AS cells FROM (SELECT col, v, count(*) AS n, sum(met) AS met FROM (${subgroups}) GROUP BY col, v)
)
SELECT c.*, greatest(0, ${c.baseFeeCents} + ${c.perStudentBaseCents} * c.enrolled + c.outcome_cents
    - ${c.declinePenaltyCents} * c.declined)::BIGINT AS total_cents,
  e.g, e.duplicates, b.bands, s.cells
FROM counts c, effect e, bands b, cells s`;
}

/** The query's one row as plain numbers (DuckDB returns BIGINT and DECIMAL as bigint or objects). */
const plain = (row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v == null ? v : Number(v)]));

/** Native DuckDB, all cores: median of runs after a warm-up, reading the file itself. */
export async function benchDuckNative(rosterPath, c, runs) {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const sql = contractSql(c, rosterPath);
  const once = async () => plain((await connection.runAndReadAll(sql)).getRowObjects()[0]);
  let result = await once();
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    result = await once();
    times.push(performance.now() - t);
  }
  const threads = plain((await connection.runAndReadAll("SELECT current_setting('threads') AS threads")).getRowObjects()[0]).threads;
  connection.closeSync();
  return { times, result, threads };
}

/** DuckDB-wasm's Node build (blocking, one thread), the roster's bytes registered as a file. */
export async function benchDuckWasm(rosterPath, c, runs) {
  const duckdb = require('@duckdb/duckdb-wasm/dist/duckdb-node-blocking.cjs');
  const dist = path.dirname(require.resolve('@duckdb/duckdb-wasm/dist/duckdb-node-blocking.cjs'));
  const db = await duckdb.createDuckDB({
    mvp: { mainModule: path.join(dist, 'duckdb-mvp.wasm'), mainWorker: path.join(dist, 'duckdb-node-mvp.worker.cjs') },
    eh: { mainModule: path.join(dist, 'duckdb-eh.wasm'), mainWorker: path.join(dist, 'duckdb-node-eh.worker.cjs') },
  }, new duckdb.VoidLogger(), duckdb.NODE_RUNTIME);
  await db.instantiate(() => {});
  db.open({});
  db.registerFileBuffer('roster.csv', new Uint8Array(fs.readFileSync(rosterPath)));
  const connection = db.connect();
  const sql = contractSql(c, 'roster.csv');
  const once = () => plain(connection.query(sql).toArray()[0].toJSON());
  let result = once(); // the first query compiles the engine: seconds, not timed
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    result = once();
    times.push(performance.now() - t);
  }
  connection.close();
  return { times, result };
}
