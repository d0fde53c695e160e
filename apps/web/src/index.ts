export {
  createDashboardHandler,
  dashboardBuilt,
  dashboardDir,
  type DashboardHandler,
} from './server-handler.ts';
