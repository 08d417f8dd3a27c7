/** Image references as the caching rules of every file kind name them. */

/** `ref` of a registry cache next to an image: same repository, tag `buildcache` (tag and digest dropped). */
export const registryCacheRef = (image: string) => `${image.replace(/@sha256:[0-9a-f]+$/i, '').replace(/:[^/:]+$/, '')}:buildcache`;
