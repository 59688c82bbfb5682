/** The Application Reachability Profile relations: who may invoke what, what each function reaches, who is denied what. */

/** A (resource, action) pair: ares reasons at this level, never about a resource alone. */
export interface Access {
  resource: string;
  action: string;
}

/** How a requester starts a function: a direct invoke, or a write to an event source that triggers it. */
export interface EntryPoint {
  function: string;
  /** The resource the requester acts on: the function itself, or the event source. */
  resource: string;
  action: string;
  /** `invoke` for a direct call, else the trigger kind (queue, topic, object-store...). */
  via: string;
  /**
   * Request context the write must carry to fire the trigger: for each key, one of the values (an event rule whose
   * pattern names the events' `source`, as `events:source`). A requester whose policy allows the write only with
   * other values does not start the function. Absent: any write fires it.
   */
  context?: Record<string, string[]>;
  /** The trigger fires only for some events (a filter on their content), named here; paths through it hold only then. */
  conditions?: string[];
}

/** UserInvoke(u, f): u may start f through `entry`; `conditions` when it holds only for some context values. */
export interface UserInvoke {
  principal: string;
  entry: EntryPoint;
  conditions?: string[];
}

/** One hop of ServiceReach: function `from` may do `action` on `resource` (which may trigger function `to`). */
export interface ReachEdge {
  from: string;
  access: Access;
  /** When the access starts another function (invoke, or a write to its trigger source). */
  to?: string;
  conditions?: string[];
}
