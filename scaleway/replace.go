package scaleway

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
)

// ErrImageChanged is ReplaceImage's error when the image changed between
// its read and its write: nothing was written.
var ErrImageChanged = errors.New("the image changed since it was read, so nothing was written")

// ReplaceImage makes changes to an image with a PUT that keeps everything
// else as read: it reads the image, applies the changes to it
// (SetImageRequest.Apply) and writes the whole object back in the shape
// real clients sent. Since the whole object is written, a change made by
// anyone else between the read and the write would be undone: it reads the
// image again just before the write, and refuses with ErrImageChanged
// when the two reads differ. A caller that may replace one image from
// several goroutines at once must keep them apart itself.
//
// The zone, id and changes are checked once, before anything is sent; the
// body then holds what the API wrote and the checked changes, so it is not
// checked again, but it must still name the image of the path, which an
// answer about another image would break. read is the image as first read
// (nil if it could not be), for the caller to explain a refused write;
// resp is the last answer received.
func (c *Client) ReplaceImage(ctx context.Context, zone Zone, id string, changes *UpdateImageRequest) (img, read *Image, resp *Response, err error) {
	if err := errors.Join(CheckPath(zone, "id", id), changes.Validate()); err != nil {
		return nil, nil, nil, fmt.Errorf("replacing image: %w", err)
	}
	read, resp, err = c.getImage(ctx, zone, id)
	if err != nil {
		return nil, nil, resp, fmt.Errorf("reading the image before replacing it: %w", err)
	}
	body := SetImageRequestFrom(read)
	body.Apply(changes)
	if err := body.matchPath(zone, id); err != nil {
		return nil, read, resp, fmt.Errorf("replacing image: %w", err)
	}
	again, againResp, err := c.getImage(ctx, zone, id)
	resp = lastAnswer(resp, againResp)
	if err != nil {
		return nil, read, resp, fmt.Errorf("reading the image again before replacing it: %w", err)
	}
	if err := confirmUnchanged(read, again); err != nil {
		return nil, read, resp, err
	}
	img, putResp, err := c.setImage(ctx, zone, id, body)
	return img, read, lastAnswer(resp, putResp), err
}

// confirmUnchanged refuses, with ErrImageChanged, a second read of an
// image that is not the first one, every field compared as encoded. The
// Instance API has no conditional PUT; reading again just before the
// write leaves a change made by another process a window of one round
// trip instead of the whole call. modification_date alone would not do:
// the API does not move it when only extra_volumes change.
func confirmUnchanged(read, again *Image) error {
	first, errA := json.Marshal(read)
	second, errB := json.Marshal(again)
	if err := errors.Join(errA, errB); err != nil {
		return fmt.Errorf("comparing two reads of the image: %w", err)
	}
	if !bytes.Equal(first, second) {
		return ErrImageChanged
	}
	return nil
}

// lastAnswer is the later of two answers, or the earlier when the later
// call got none.
func lastAnswer(earlier, later *Response) *Response {
	if later != nil {
		return later
	}
	return earlier
}
