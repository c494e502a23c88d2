/** The benchmarks picked by `--only a,b` or `--only=a,b` (all of them without it). */
export function pickBenches<T extends { name: string }>(
  argv: readonly string[],
  all: readonly T[],
): T[] {
  const at = argv.findIndex((a) => a === '--only' || a.startsWith('--only='));
  if (at < 0) return [...all];
  const arg = argv[at];
  const list = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : (argv[at + 1] ?? '');
  const names = list
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !all.some((b) => b.name === n));
  if (names.length === 0 || unknown.length > 0) {
    throw new Error(
      `--only expects some of ${all.map((b) => b.name).join(', ')}; got ${list || 'nothing'}`,
    );
  }
  return all.filter((b) => names.includes(b.name));
}
