/** The process environment, or a stand-in for it in tests: names to values, unset names undefined. */
export type Env = Readonly<Record<string, string | undefined>>;
