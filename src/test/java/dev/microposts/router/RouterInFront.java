package dev.microposts.router;

import dev.microposts.MicroPostsApplication;
import dev.microposts.contract.Api;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** A router process (in the test's JVM) that routes every module's paths to one URL. */
record RouterInFront(ConfigurableApplicationContext context, Api api) {

    static RouterInFront of(String url, String name) {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(MicroPostsApplication.class)
                .properties(
                        "microposts.modules=router",
                        "microposts.data-dir=target/test-data/" + name,
                        "microposts.accounts.url=" + url,
                        "microposts.posts.url=" + url,
                        "microposts.social.url=" + url,
                        "microposts.timeline.url=" + url)
                .run("--server.port=0");
        int port = context.getEnvironment().getProperty("local.server.port", Integer.class);
        return new RouterInFront(context, new Api("http://127.0.0.1:" + port));
    }
}
