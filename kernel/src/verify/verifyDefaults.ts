/** The check's defaults, apart from the decoding code so that `verify --help` loads none of it. */
export const DEFAULT_VERIFY_SAMPLE = 20;
/** Random frames per video beyond the keyframes built-in's: where a seek lands mid-GOP. */
export const DEFAULT_RANDOM_FRAMES = 4;
