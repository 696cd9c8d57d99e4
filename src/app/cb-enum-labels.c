/* cb-enum-labels.c: translated labels and style classes for protocol enums
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cb-app"

#include "config.h"

#include <glib/gi18n.h>

#include "cb-enum-labels.h"

const char *
cb_availability_get_label (CbAvailability availability)
{
  switch (availability)
    {
    case CB_AVAILABILITY_AVAILABLE: return _("Available");
    case CB_AVAILABILITY_AWAY:      return _("Away");
    case CB_AVAILABILITY_BUSY:      return _("Busy");
    case CB_AVAILABILITY_DND:       return _("Do not disturb");
    case CB_AVAILABILITY_OFFLINE:   return _("Offline");
    default:                        return _("Unknown");
    }
}

/* The class names double as CSS selectors in style.css. */
const char *
cb_availability_get_style (CbAvailability availability)
{
  switch (availability)
    {
    case CB_AVAILABILITY_AVAILABLE: return "available";
    case CB_AVAILABILITY_AWAY:      return "away";
    case CB_AVAILABILITY_BUSY:      return "busy";
    case CB_AVAILABILITY_DND:       return "dnd";
    case CB_AVAILABILITY_OFFLINE:
    default:                        return "offline";
    }
}

const char *
cb_line_state_get_label (CbLineState line_state)
{
  switch (line_state)
    {
    /* A free line, as a busy lamp field shows it. */
    case CB_LINE_STATE_IDLE:    return C_("line state", "Free");
    case CB_LINE_STATE_RINGING: return _("Ringing");
    /* "Busy" is already the availability; a busy line is a call. */
    case CB_LINE_STATE_BUSY:    return _("On a call");
    case CB_LINE_STATE_ON_HOLD: return _("On hold");
    case CB_LINE_STATE_OFFLINE: return C_("line state", "Phone offline");
    default:                    return _("Unknown");
    }
}

const char *
cb_line_state_get_style (CbLineState line_state)
{
  switch (line_state)
    {
    case CB_LINE_STATE_IDLE:    return "idle";
    case CB_LINE_STATE_RINGING: return "ringing";
    case CB_LINE_STATE_BUSY:    return "busy";
    case CB_LINE_STATE_ON_HOLD: return "on-hold";
    case CB_LINE_STATE_OFFLINE:
    default:                    return "offline";
    }
}

const char *
cb_agent_status_get_label (CbAgentStatus agent_status)
{
  switch (agent_status)
    {
    case CB_AGENT_STATUS_AVAILABLE:     return C_("agent status", "Available");
    case CB_AGENT_STATUS_NOT_AVAILABLE: return _("Not available");
    case CB_AGENT_STATUS_WRAP_UP:       return _("Wrap-up");
    case CB_AGENT_STATUS_LOGGED_IN:     return C_("agent status", "Logged in");
    case CB_AGENT_STATUS_LOGGED_OUT:    return C_("agent status", "Logged out");
    default:                            return _("Unknown");
    }
}

const char *
cb_agent_status_get_style (CbAgentStatus agent_status)
{
  switch (agent_status)
    {
    case CB_AGENT_STATUS_AVAILABLE:     return "available";
    case CB_AGENT_STATUS_NOT_AVAILABLE: return "not-available";
    case CB_AGENT_STATUS_WRAP_UP:       return "wrap-up";
    case CB_AGENT_STATUS_LOGGED_IN:     return "logged-in";
    case CB_AGENT_STATUS_LOGGED_OUT:
    default:                            return "logged-out";
    }
}

const char *
cb_ring_strategy_get_label (CbRingStrategy strategy)
{
  switch (strategy)
    {
    case CB_RING_STRATEGY_PARALLEL:   return _("Rings all at once");
    case CB_RING_STRATEGY_SEQUENTIAL: return _("Rings one after another");
    case CB_RING_STRATEGY_QUEUE:      return _("Call queue");
    default:                          return _("Unknown");
    }
}

/* The protocol names queue orders by strings; an unknown one (a newer
 * server) is shown as it is. */
const char *
cb_queue_order_get_label (const char *order)
{
  if (g_strcmp0 (order, "ring-all") == 0)
    return _("offered to all available agents");
  if (g_strcmp0 (order, "top-down") == 0)
    return _("offered top-down");
  if (g_strcmp0 (order, "round-robin") == 0)
    return _("offered in turn");
  if (g_strcmp0 (order, "longest-idle") == 0)
    return _("offered to the longest idle agent");
  if (g_strcmp0 (order, "fewest-calls") == 0)
    return _("offered to the agent with the fewest calls");
  return order;
}

const char *
cb_blf_lamp_get_label (CbBlfLamp lamp)
{
  switch (lamp)
    {
    case CB_BLF_LAMP_FREE:    return C_("line state", "Free");
    case CB_BLF_LAMP_RINGING: return _("Ringing");
    case CB_BLF_LAMP_BUSY:    return _("On a call");
    case CB_BLF_LAMP_ON_HOLD: return _("On hold");
    case CB_BLF_LAMP_DND:     return _("Do not disturb");
    case CB_BLF_LAMP_OFFLINE: return _("Offline");
    /* Shared below the level that shows the line: presence only. */
    case CB_BLF_LAMP_UNKNOWN: return _("Line not shared");
    case CB_BLF_LAMP_NONE:
    default:                  return _("Speed dial");
    }
}

/* Shape as well as colour: the icons differ without their colour. */
const char *
cb_blf_lamp_get_icon_name (CbBlfLamp lamp)
{
  switch (lamp)
    {
    case CB_BLF_LAMP_FREE:    return "cb-lamp-free-symbolic";
    case CB_BLF_LAMP_RINGING: return "cb-lamp-ringing-symbolic";
    case CB_BLF_LAMP_BUSY:    return "cb-lamp-busy-symbolic";
    case CB_BLF_LAMP_ON_HOLD: return "cb-lamp-on-hold-symbolic";
    case CB_BLF_LAMP_DND:     return "cb-lamp-dnd-symbolic";
    case CB_BLF_LAMP_OFFLINE: return "cb-lamp-offline-symbolic";
    case CB_BLF_LAMP_UNKNOWN: return "cb-lamp-unknown-symbolic";
    case CB_BLF_LAMP_NONE:
    default:                  return "call-start-symbolic";
    }
}

const char *
cb_blf_lamp_get_style (CbBlfLamp lamp)
{
  switch (lamp)
    {
    case CB_BLF_LAMP_FREE:    return "free";
    case CB_BLF_LAMP_RINGING: return "ringing";
    case CB_BLF_LAMP_BUSY:    return "busy";
    case CB_BLF_LAMP_ON_HOLD: return "on-hold";
    case CB_BLF_LAMP_DND:     return "dnd";
    case CB_BLF_LAMP_OFFLINE: return "offline";
    case CB_BLF_LAMP_UNKNOWN: return "unknown";
    case CB_BLF_LAMP_NONE:
    default:                  return "none";
    }
}
