export {
  addBusinessSeconds,
  businessSecondsBetween,
  businessTime,
  type BusinessTime,
  validateCalendar,
  slaCalendarFromInput,
  InvalidSlaCalendarError,
  type BusinessCalendar,
  type BusinessHours,
  type IsoWeekday,
  type SlaCalendar,
} from './calendar';
export {
  acknowledgeSla,
  changeSlaStatus,
  createSlaClock,
  retargetSla,
  slaSnapshot,
  validateSlaPolicy,
  SLA_RESOLVED_STATUSES,
  type ResolvedSlaPolicy,
  type SlaClockState,
  type SlaPause,
  type SlaPolicyTargets,
  type SlaResult,
  type SlaSnapshot,
} from './clock';
export { slaNotificationsDue, type SlaClockName, type SlaNotification } from './notifications';
