"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.docsFor = exports.DOCS_BASE = void 0;
/** Where the rules' documentation lives; each rule links to its own section. */
exports.DOCS_BASE = 'https://github.com/cache-advisor/dockerfile-cache-advisor/blob/main/docs/rules.md';
const docsFor = (id) => `${exports.DOCS_BASE}#${id}`;
exports.docsFor = docsFor;
//# sourceMappingURL=types.js.map