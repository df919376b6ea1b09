package dev.microposts.platform.topology;

import dev.microposts.platform.topology.MicropostsProperties.ModuleDatabase;
import dev.microposts.platform.topology.TopologyEnvironment.TopologyException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The one database of a process: {@code MICROPOSTS_DB_URL}, else the {@code MICROPOSTS_<MODULE>_DB_URL}
 * of the modules it runs (they must agree: one process, one database, one transaction), else the
 * embedded H2 file in the data directory.
 */
final class DatabaseChoice {

    /**
     * H2: a commit is written to the file before it is acknowledged ({@code WRITE_DELAY=0}; H2's
     * default keeps up to 500 ms of commits in memory, lost on kill -9), and the database is closed
     * by the pool after graceful shutdown, not by H2's own exit hook under requests still running.
     */
    static final String H2_OPTIONS = ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE";

    private DatabaseChoice() {}

    static Map<String, Object> settings(MicropostsProperties properties, Set<ModuleId> local, Path dataDirectory) {
        Map<String, Object> settings = new HashMap<>();
        MicropostsProperties.Database db = properties.db();
        String url = db.url();
        String user = db.user();
        String password = db.password();
        if (isBlank(url)) {
            Map<ModuleId, ModuleDatabase> own = new LinkedHashMap<>();
            for (ModuleId module : local) {
                MicropostsProperties.Location location = properties.locations().get(module);
                if (location != null && !isBlank(location.db().url())) {
                    own.put(module, location.db());
                }
            }
            Set<String> urls = new LinkedHashSet<>();
            own.values().forEach(moduleDb -> urls.add(moduleDb.url()));
            if (urls.size() > 1) {
                throw new TopologyException("The modules " + ModuleId.ids(own.keySet()) + " run in one process but "
                        + "their MICROPOSTS_<MODULE>_DB_URL differ: a process has one database. Run them in separate "
                        + "processes or set MICROPOSTS_DB_URL.");
            }
            if (own.isEmpty()) {
                url = "jdbc:h2:file:" + dataDirectory.toString().replace('\\', '/') + "/microposts" + H2_OPTIONS;
            } else {
                ModuleDatabase moduleDb = own.values().iterator().next();
                url = moduleDb.url();
                user = moduleDb.user() != null ? moduleDb.user() : user;
                password = moduleDb.password() != null ? moduleDb.password() : password;
            }
        }
        settings.put("spring.datasource.url", url);
        settings.put("spring.datasource.username", user);
        settings.put("spring.datasource.password", password);
        return settings;
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
