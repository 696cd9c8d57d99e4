/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cb-tone-detector.h: Goertzel detection of one frequency in S16 audio. */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

#define CB_TYPE_TONE_DETECTOR (cb_tone_detector_get_type ())
G_DECLARE_FINAL_TYPE (CbToneDetector, cb_tone_detector, CB, TONE_DETECTOR, GObject)

CbToneDetector *cb_tone_detector_new              (double          frequency);
double          cb_tone_detector_get_frequency    (CbToneDetector *self);

void            cb_tone_detector_attach           (CbToneDetector *self,
                                                   GstPad         *pad);
void            cb_tone_detector_detach           (CbToneDetector *self);
void            cb_tone_detector_process_s16      (CbToneDetector *self,
                                                   const gint16   *samples,
                                                   gsize           n_frames,
                                                   guint           channels,
                                                   guint           rate);
void            cb_tone_detector_reset            (CbToneDetector *self);

double          cb_tone_detector_get_ratio        (CbToneDetector *self);
double          cb_tone_detector_get_level_db     (CbToneDetector *self);
guint64         cb_tone_detector_get_blocks       (CbToneDetector *self);
guint           cb_tone_detector_get_present_run  (CbToneDetector *self);
guint           cb_tone_detector_get_absent_run   (CbToneDetector *self);
gboolean        cb_tone_detector_is_present       (CbToneDetector *self);
gboolean        cb_tone_detector_hears            (CbToneDetector *self,
                                                   guint           min_blocks);
gboolean        cb_tone_detector_silent_for       (CbToneDetector *self,
                                                   guint           ms);

G_END_DECLS
