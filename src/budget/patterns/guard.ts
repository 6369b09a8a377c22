// The memory guard's share, in a module of its own so that analysis and option parsing can both name it.

/** No version may need more than this share of the memory available when the run starts (inputs included). */
export const MEMORY_GUARD_SHARE = 0.25;
