package dev.microposts.router;

import dev.microposts.platform.topology.ConditionalOnModule;
import dev.microposts.platform.topology.ModuleId;
import dev.microposts.platform.web.WebClient;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * The migration console: one page for operators at {@value #PAGE} on the admin port (never the
 * public one), with its script and style sheet. The page and its assets hold no data and are
 * served without the admin credential (a browser cannot send a bearer token when it opens a page);
 * the page asks for the credential and sends it with each call to the admin API, which gives all
 * the data and makes every change ({@link AdminPort} lets these three files, and only them,
 * through without it). Its answers carry the web client's Content-Security-Policy: this origin's
 * scripts, styles and API only, no inline script, no framing.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnModule(ModuleId.ROUTER)
class AdminConsole {

    static final String PAGE = AdminApi.BASE + "/console";
    static final String ASSETS = PAGE + "/";

    private static final MediaType HTML = new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8);

    /** The files, by path: the page and what it loads. */
    private static final Map<String, File> FILES = Map.of(
            PAGE,
            new File("index.html", HTML),
            ASSETS + "console.js",
            new File("console.js", new MediaType("text", "javascript", StandardCharsets.UTF_8)),
            ASSETS + "console.css",
            new File("console.css", new MediaType("text", "css", StandardCharsets.UTF_8)));

    private record File(Resource resource, MediaType type) {
        File(String name, MediaType type) {
            this(new ClassPathResource("router-console/" + name, AdminConsole.class.getClassLoader()), type);
        }
    }

    /** Whether a request is for one of the console's files, which need no credential. */
    static boolean serves(String method, String path) {
        return ("GET".equals(method) || "HEAD".equals(method)) && FILES.containsKey(path);
    }

    @Bean
    RouterFunction<ServerResponse> adminConsolePages() {
        RouterFunctions.Builder routes = RouterFunctions.route();
        FILES.forEach((path, file) -> routes.GET(path, request -> ServerResponse.ok()
                .contentType(file.type())
                .cacheControl(CacheControl.noCache())
                .body(file.resource())));
        return routes.build();
    }

    @Bean
    FilterRegistrationBean<WebClient.PageHeaders> adminConsoleHeaders() {
        FilterRegistrationBean<WebClient.PageHeaders> registration =
                new FilterRegistrationBean<>(new WebClient.PageHeaders(WebClient.POLICY, Set.of(PAGE), ASSETS));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 4);
        return registration;
    }
}
