/// Reference equipment, its calibrations and bookings, and the job queue.
public enum Scheduling {}
