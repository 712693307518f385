import { InitialSchema1764000000000 } from './1764000000000-InitialSchema';
import { IncidentResponseTimes1764300000000 } from './1764300000000-IncidentResponseTimes';
import { SlaNextCheck1764400000000 } from './1764400000000-SlaNextCheck';

/** Every migration in order; listed explicitly so the compiled build needs no glob. */
export const ALL_MIGRATIONS = [InitialSchema1764000000000, IncidentResponseTimes1764300000000, SlaNextCheck1764400000000];
