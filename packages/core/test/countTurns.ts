/** Counts event-loop turns (one setImmediate per turn) until `stop()`: how often a computation let the loop run. */
export function countTurns(): { readonly turns: number; stop(): void } {
  let turns = 0;
  let isCounting = true;
  const tick = () => {
    turns++;
    if (isCounting) setImmediate(tick);
  };
  setImmediate(tick);
  return {
    get turns() {
      return turns;
    },
    stop() {
      isCounting = false;
    },
  };
}
