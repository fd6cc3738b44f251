//go:build deps

// Package deps pins the modules ftprep's packages are built on, so go.mod keeps
// them while the packages that import them are being written. Never built.
package deps

import (
	_ "github.com/Azure/azure-sdk-for-go/sdk/azcore"
	_ "github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	_ "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/cognitiveservices/armcognitiveservices/v2"
	_ "github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"
	_ "github.com/bytedance/sonic"
	_ "gonum.org/v1/plot"
	_ "gonum.org/v1/plot/vg/draw"
)
