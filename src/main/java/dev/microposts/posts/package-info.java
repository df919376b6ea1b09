/**
 * Posts: microposts, search and mentions. Other modules may use {@link Posts} and listen for
 * {@link MicropostCreated}, {@link MicropostUpdated} and {@link MicropostDeleted}.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Posts")
package dev.microposts.posts;
