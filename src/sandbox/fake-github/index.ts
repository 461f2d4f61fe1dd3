export { startFakeGitHub } from './start-fake-github.ts';
export type {
  Access,
  CommitStatus,
  FakeGitHub,
  FakeGitHubOptions,
  FakeReleaseHandle,
  FakeRepository,
  Fault,
  NewAsset,
  NewRelease,
  RecordedRequest,
  Release,
  ReleaseAsset,
} from './types.ts';
