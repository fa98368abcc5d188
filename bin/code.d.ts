export const root: string;
export const bundle: string;
export const sources: string;
export const nodeFlags: readonly string[];
export function whichCode(env?: NodeJS.ProcessEnv): 'sources' | 'bundle';
