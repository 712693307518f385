// Loaded first (node -r), before any library OpenTelemetry must patch.
import { startTracing } from '@watchfloor/telemetry';

startTracing('watchfloor-api');
