// Strict TypeScript consumer of @perfkit/dashboard's types without @perfkit/host or @perfkit/sla installed.
import { createPerfkit } from '@perfkit/core';
import { dashboardPlugin, thresholdsFromSla, type DashboardPlugin } from '@perfkit/dashboard';

const perf = createPerfkit({ prometheus: { serve: false } });
const dashboard: DashboardPlugin = perf.use(dashboardPlugin({ port: 0 }));
export const thresholds = thresholdsFromSla({ objectives: [], limits: [] });
export const ready: Promise<void> = dashboard.ready();
// @ts-expect-error the SLA thresholds' shape is declared by the dashboard itself, so it is checked without @perfkit/sla
thresholdsFromSla({ objectives: 5, limits: [] });
