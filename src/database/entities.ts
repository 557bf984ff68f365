import { CalendarSettings } from '../calendar/calendar-settings.entity';
import { ClosingDay } from '../calendar/closing-day.entity';
import { AuthToken } from '../identity/auth-token.entity';
import { Department } from '../identity/department.entity';
import { User } from '../identity/user.entity';

/** Every entity, listed by hand: folder discovery differs between ts (tests) and js (dist). */
export const ENTITIES = [Department, User, AuthToken, ClosingDay, CalendarSettings];
