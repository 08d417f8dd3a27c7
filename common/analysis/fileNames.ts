/**
 * Which file names are Dockerfiles and which are Compose files: the one answer for the CLI's directory
 * search, the editor, what-rebuilds, the build-context lookups and the pre-commit hooks' `files` pattern
 * (test/cli/preCommit.test.ts and test/unit/fileNames.test.ts hold them to it).
 */

/** `Dockerfile`, `Containerfile`, `Dockerfile.dev`, `api.Dockerfile` (any case); not their ignore files. */
export const isDockerfileName = (name: string): boolean =>
  // `Dockerfile.dockerignore` is the ignore file BuildKit reads for `Dockerfile`; Podman's is `.containerignore`
  (/^(Dockerfile|Containerfile)(\..+)?$/i.test(name) && !/\.(docker|container)ignore$/i.test(name)) ||
  /\.(Dockerfile|Containerfile)$/i.test(name);

/**
 * `compose.yaml`, `docker-compose.yml`, `docker-compose.override.yml`, `compose.prod.local.yaml`,
 * `docker-compose-dev.yml`, `app.compose.yaml` (any case).
 */
export const isComposeFileName = (name: string): boolean =>
  /^(docker-)?compose([.-][\w.-]+)?\.ya?ml$/i.test(name) || /^.+\.compose\.ya?ml$/i.test(name);
