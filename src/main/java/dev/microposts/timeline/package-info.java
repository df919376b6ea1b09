/**
 * Timeline: materialised home timelines, written on fan-out from the events of posts and social
 * and read as one indexed range. Keeps its own copy of the follow graph and of the microposts it
 * shows (event-carried state), so a read calls no other module.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Timeline")
package dev.microposts.timeline;
