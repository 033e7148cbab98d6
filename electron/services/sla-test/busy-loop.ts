// One CPU-contention process for the SLA test: spins until told to stop, and can never outlive its
// purpose. It exits on SIGTERM, when its parent dies (stdin closes), and after --max-seconds on its
// own, so a crashed panel cannot leave a machine's cores burning.
const maxSeconds = Number(process.argv[process.argv.indexOf('--max-seconds') + 1] ?? 600);
const deadline = Date.now() + (Number.isFinite(maxSeconds) && maxSeconds > 0 ? maxSeconds : 600) * 1000;

process.on('SIGTERM', () => process.exit(0));
process.stdin.on('end', () => process.exit(0));
process.stdin.on('close', () => process.exit(0));
process.stdin.resume();

// Spin in slices so the stdin and signal handlers still get their turn on the event loop.
function spin(): void {
  const sliceEnd = Date.now() + 50;
  let sink = 0;
  while (Date.now() < sliceEnd) sink = (sink + Math.sqrt(sink + 1)) % 1e9;
  if (Date.now() >= deadline) process.exit(0);
  setImmediate(spin);
}
spin();
