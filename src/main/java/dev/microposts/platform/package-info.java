/**
 * Shared web and runtime infrastructure every module may use: problem responses, request ids,
 * JSON body parsing, pagination, absolute links, security and topology conditions. It holds
 * no business rules and owns no tables.
 */
@org.springframework.modulith.ApplicationModule(type = org.springframework.modulith.ApplicationModule.Type.OPEN)
package dev.microposts.platform;
