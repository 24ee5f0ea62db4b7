package scaleway

import (
	"sort"
	"strconv"
)

// SortedVolumeKeys returns the keys of an extra_volumes map in position
// order: numeric keys ascending ("2" before "10"), then any others.
func SortedVolumeKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, errA := strconv.Atoi(keys[i])
		b, errB := strconv.Atoi(keys[j])
		switch {
		case errA == nil && errB == nil:
			return a < b
		case errA == nil:
			return true
		case errB == nil:
			return false
		}
		return keys[i] < keys[j]
	})
	return keys
}

// VolumeMap is the extra_volumes map of a request made from a list of
// snapshot ids: the first at position "1", and so on (the root volume is
// 0). volume makes the entry of one id. A nil list makes a nil map, and
// an empty one an empty map.
func VolumeMap[V any](ids []string, volume func(id string) V) map[string]V {
	if ids == nil {
		return nil
	}
	volumes := make(map[string]V, len(ids))
	for i, id := range ids {
		volumes[strconv.Itoa(i+1)] = volume(id)
	}
	return volumes
}
