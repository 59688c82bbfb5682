/** The version ares reports (kept equal to package.json's). */
export const ARES_VERSION = '0.1.0';
