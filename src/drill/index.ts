/**
 * The drill: every finding of an estate replayed through the real agents on a local stand-in of the platform, under
 * every way its requester can arrive, and every legitimate path replayed with its requester identified.
 */
export { runDrill, ARRIVAL_MODES, type DrillInput, type DrillOptions } from './runDrill.js';
