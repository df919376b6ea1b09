package dev.microposts.router;

import dev.microposts.platform.topology.MicropostsProperties;
import dev.microposts.platform.topology.ModuleId;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which process owns which route: each business module's public paths ({@link ModuleId#paths()})
 * go to its {@code MICROPOSTS_<MODULE>_URL}. Every method of a path goes to its owner, so the
 * owner answers 405 for the ones it does not support.
 */
record RoutingTable(Map<ModuleId, String> urls) {

    static RoutingTable from(MicropostsProperties settings) {
        Map<ModuleId, String> urls = new LinkedHashMap<>();
        for (ModuleId module : ModuleId.BUSINESS) {
            String url = settings.baseUrl(module);
            if (url != null) {
                urls.put(module, url);
            }
        }
        return new RoutingTable(Map.copyOf(urls));
    }
}
