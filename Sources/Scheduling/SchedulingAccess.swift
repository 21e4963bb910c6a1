import LIMSCore

/// Who may do what with jobs and equipment: the one list the API and the staff console both enforce.
public enum SchedulingAccess {
    /// Claim jobs from the queue.
    public static let perform: [Role] = [.technician]
    /// Register equipment, record its calibrations, change its status.
    public static let manageEquipment: [Role] = [.admin]
}
