/**
 * What every module's domain shares: text rules in code points, field errors, and the
 * exceptions by which a module refuses a command without knowing HTTP.
 */
package dev.microposts.platform.core;
