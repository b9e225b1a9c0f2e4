/** Counts event-loop turns until `stop()` (the core's test helper, shared). */
export { countTurns } from '../../core/test/countTurns';
