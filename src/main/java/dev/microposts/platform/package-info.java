/**
 * Shared infrastructure every module may use, in one room per audience: {@code web} (the HTTP
 * contract's conventions: problems, request ids, JSON bodies, paging, links, OpenAPI),
 * {@code security} (bearer tokens), {@code topology} (which modules run here, the module graph,
 * remote bindings, typed settings), {@code events} (event transport between processes and
 * redelivery) and {@code jdbc} (portable SQL, per-module migrations). It holds no business rules
 * and owns no tables.
 */
@org.springframework.modulith.ApplicationModule(type = org.springframework.modulith.ApplicationModule.Type.OPEN)
package dev.microposts.platform;
