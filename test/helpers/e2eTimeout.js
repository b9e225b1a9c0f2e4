// Jest reads testTimeout only from the top-level configuration, not from a project: the e2e project's longer
// default (real Prometheus, child processes, storms of a million calls) is set here, for every e2e file.
jest.setTimeout(180_000);
