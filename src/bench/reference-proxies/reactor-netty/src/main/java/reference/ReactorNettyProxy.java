package reference;

import io.netty.handler.codec.http.HttpHeaderNames;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.ConnectionProvider;

/**
 * Every request passed to one backend on Reactor Netty's HTTP server and client, with nothing
 * else on the path: what a hop costs on the lightest JVM stack at hand. A reference for the
 * router's hop, not part of MicroPosts. {@code java -jar reactor-netty-proxy.jar [port] [backend]}
 */
public final class ReactorNettyProxy {

    public static void main(String[] args) {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 18095;
        String backend = args.length > 1 ? args[1] : "http://127.0.0.1:18081";
        HttpClient client = HttpClient.create(ConnectionProvider.create("backend", 64)).baseUrl(backend);
        DisposableServer server = HttpServer.create()
                .host("127.0.0.1")
                .port(port)
                .handle((request, response) -> client
                        .headers(headers -> headers.set(request.requestHeaders()).remove(HttpHeaderNames.HOST))
                        .request(request.method())
                        .uri(request.uri())
                        .send(request.receive().retain())
                        .response((answer, body) -> response
                                .status(answer.status())
                                .headers(answer.responseHeaders())
                                .send(body.retain())))
                .bindNow();
        System.out.println("reference proxy on 127.0.0.1:" + port + " -> " + backend);
        server.onDispose().block();
    }
}
