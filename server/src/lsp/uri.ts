import * as path from 'path';
import { fileURLToPath, pathToFileURL } from 'url';

/** file: URIs to paths and back (the only scheme whose neighbours the server reads). */
export const URI = {
  toPath(uri: string): string | undefined {
    if (!uri.startsWith('file:')) return undefined;
    try {
      return fileURLToPath(uri);
    } catch {
      return undefined;
    }
  },
  fromPath(p: string): string {
    return pathToFileURL(path.resolve(p)).toString();
  },
};
