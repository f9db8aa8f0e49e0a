/**
 * Scheduled exports: {@link org.smsexport.scheduler.ExportScheduler} keeps recurring exports
 * ({@link org.smsexport.scheduler.ScheduleRequest}) in a database, runs each slot exactly once across any number
 * of processes on db-scheduler plus a run ledger, catches up missed slots as each schedule's
 * {@link org.smsexport.scheduler.CatchUp} policy says, and runs the retention cleanup on the same engine.
 * {@link org.smsexport.scheduler.Frequency} reads {@code hourly}, {@code daily}, {@code weekly}, {@code monthly}
 * and Unix cron expressions.
 */
package org.smsexport.scheduler;
