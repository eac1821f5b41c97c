/** The benchmark's progress lines. */
export const say = (message: string): void => console.log(`[bench] ${message}`);
