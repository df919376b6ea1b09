package dev.microposts.router;

import java.util.function.UnaryOperator;

/**
 * The router's control plane in one place: the live table, holds, shadowing, shifts, and the
 * measurements they read. A change by hand is refused while a shift steers the group's weights.
 */
record ControlPlane(
        RouteTable table,
        Holds holds,
        Shadowing shadowing,
        Shifts shifts,
        RouterMetrics metrics,
        AdminCredential admin) {

    RouteGroup existing(String group) {
        RouteGroup routes = table.group(group);
        if (routes == null) {
            throw new RouteTable.UnknownGroup(group, table.snapshot().groups().keySet());
        }
        return routes;
    }

    RouteTable.Snapshot change(String group, UnaryOperator<RouteGroup> how, String who, String action, Long version) {
        if (shifts.steering(group) && !action.startsWith("shadow")) {
            throw new Shifts.Busy(group);
        }
        return table.change(group, how, who, action, version);
    }

    /** Stops the shadow senders and the judge's clock. */
    void close() {
        shadowing.close();
        shifts.close();
    }
}
