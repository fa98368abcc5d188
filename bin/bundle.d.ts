export const root: string;
export const bundle: string;
export function useBundle(env?: NodeJS.ProcessEnv): boolean;
